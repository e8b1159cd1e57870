/**
 * The subset of JSON Schema draft 2020-12 that `mtl/1` is written in, and that
 * {@link checkJsonSchema} interprets. Keeping the type this narrow means a schema that uses any
 * other keyword does not compile, so the published schema cannot say more than the validator checks.
 *
 * Spec: JSON Schema Core and Validation, draft 2020-12.
 */
export type JsonSchema = {
  // Identification and annotations: published, never checked.
  $schema?: string
  $id?: string
  $comment?: string
  title?: string
  description?: string
  $defs?: Record<string, JsonSchema>
  // Applicators.
  $ref?: string
  allOf?: readonly JsonSchema[]
  if?: JsonSchema
  then?: JsonSchema
  else?: JsonSchema
  properties?: Record<string, JsonSchema>
  additionalProperties?: boolean | JsonSchema
  propertyNames?: JsonSchema
  items?: JsonSchema
  // Assertions.
  type?: JsonSchemaType | readonly JsonSchemaType[]
  const?: string | number | boolean | null
  enum?: readonly (string | number | boolean | null)[]
  pattern?: string
  maxLength?: number
  format?: 'date-time'
  minimum?: number
  maximum?: number
  required?: readonly string[]
  maxProperties?: number
  maxItems?: number
  uniqueItems?: boolean
}

export type JsonSchemaType =
  | 'object'
  | 'array'
  | 'string'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'null'
