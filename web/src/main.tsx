import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App.tsx'
import { ConfigContext } from './config/ConfigContext.tsx'
import { loadConfig } from './config/loadConfig.ts'
import './styles.css'

const root = document.getElementById('root')
if (root === null) throw new Error('index.html has no #root')

const loaded = await loadConfig()
createRoot(root).render(
  <StrictMode>
    <ConfigContext value={loaded}>
      <App />
    </ConfigContext>
  </StrictMode>,
)
