/**
 * Saves `text` as a file the user downloads (a Blob URL; nothing leaves the browser).
 * @example download('epochs.csv', csv, 'text/csv')
 */
export function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const link = document.createElement('a')
  link.href = url
  link.download = name
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
