// class-transformer's registry of @Type/@Transform/@Expose/@Exclude, typed from the package's own
// declarations (its CommonJS build, the one Nest's ValidationPipe loads, has none beside it).
declare module 'class-transformer/cjs/storage.js' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage.js';
}
