/**
 * Saves bytes or text as a file the user downloads (a Blob URL: nothing leaves the browser).
 * @example saveFile('epoch-4.ots', bytes, 'application/octet-stream')
 */
export function saveFile(name: string, content: string | Uint8Array, type: string): void {
  const part = typeof content === 'string' ? content : new Uint8Array(content)
  const url = URL.createObjectURL(new Blob([part], { type }))
  const link = document.createElement('a')
  link.href = url
  link.download = name
  document.body.append(link)
  link.click()
  link.remove()
  // The click has started the download; the URL is not needed after it.
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
