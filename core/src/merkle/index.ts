export { hashChildren } from './hashChildren.ts'
export { hashLeaf } from './hashLeaf.ts'
