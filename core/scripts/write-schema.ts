// Placeholder replaced by the MTL work: writes core/schema/mtl-1.schema.json from the MTL source.
