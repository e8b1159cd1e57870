import { createContext, useContext } from 'react'
import type { AppConfig } from './AppConfig.ts'

export type LoadedConfig = { config: AppConfig; issues: string[] }

export const ConfigContext = createContext<LoadedConfig | undefined>(undefined)

/**
 * The page's configuration, loaded once at start (main.tsx).
 * @example const { config } = useConfig()
 */
export function useConfig(): LoadedConfig {
  const loaded = useContext(ConfigContext)
  if (loaded === undefined) throw new Error('useConfig: no ConfigContext provider')
  return loaded
}
