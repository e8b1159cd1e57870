import { useEffect, useState } from 'react'
import { type GatewayAccess, gatewayUrl } from './gatewayApi.ts'

export type StreamState = 'off' | 'connecting' | 'live' | 'reconnecting'

/**
 * Follows a gateway's Lantern (`GET /v1/lantern`, server-sent events, the API key as
 * `access_token` since EventSource sends no headers) and calls `onChange` on every `status`,
 * `pause` and `resolution` event; the browser reconnects by itself after a drop.
 *
 * @example const state = useLanternStream(access, refresh)
 */
export function useLanternStream(
  access: GatewayAccess | undefined,
  onChange: (lanternOn: boolean | undefined) => void,
): StreamState {
  const [state, setState] = useState<StreamState>('off')
  useEffect(() => {
    if (access === undefined) {
      setState('off')
      return
    }
    let url: URL
    try {
      url = gatewayUrl(access.url, 'v1/lantern')
    } catch {
      setState('off')
      return
    }
    url.searchParams.set('access_token', access.apiKey.trim())
    const source = new EventSource(url)
    setState('connecting')
    const lanternOf = (event: Event) => {
      try {
        const data = JSON.parse((event as MessageEvent<string>).data) as { lantern?: unknown }
        return typeof data.lantern === 'boolean' ? data.lantern : undefined
      } catch {
        return undefined
      }
    }
    const handler = (event: Event) => onChange(lanternOf(event))
    source.onopen = () => setState('live')
    source.onerror = () =>
      setState(source.readyState === EventSource.CLOSED ? 'off' : 'reconnecting')
    for (const type of ['status', 'pause', 'resolution']) source.addEventListener(type, handler)
    return () => source.close()
  }, [access, onChange])
  return state
}
