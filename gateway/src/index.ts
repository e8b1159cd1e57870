// The gateway's public surface, area by area (each area has its own barrel).
export * from './engine/index.ts'
export * from './http/index.ts'
export * from './keys/index.ts'
export * from './memory/index.ts'
export * from './pause/index.ts'
export * from './policy/index.ts'
export * from './service/index.ts'
