import type { ReactNode } from 'react'

/** A link when there is a URL (an explorer pattern), plain text otherwise. */
export function MaybeLink({ href, children }: { href: string | undefined; children: ReactNode }) {
  if (href === undefined) return <>{children}</>
  return (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  )
}
