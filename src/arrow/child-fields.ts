import type { DataType, Field, Schema } from 'apache-arrow';

/**
 * arrow-js declares a type's children as `Field<any>[]` and an untyped Field's type as `any`, so
 * without these an `any` flows on from every nested type; each child's type is a DataType.
 */
export function childFields(type: DataType): readonly Field<DataType>[] {
  return (type.children ?? []) as Field<DataType>[];
}

export function childTypes(type: DataType): DataType[] {
  return childFields(type).map((field) => field.type);
}

/** A schema's fields, which arrow-js types as `Field<any>` unless the schema's type map is spelled out. */
export function schemaFields(schema: Schema): readonly Field<DataType>[] {
  return schema.fields as Field<DataType>[];
}
