export {
  RESOLUTION_DOMAIN,
  RESOLUTION_TYPES,
  type ResolutionMessage,
  resolutionTypedData,
} from './resolutionTypedData.ts'
