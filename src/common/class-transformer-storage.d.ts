/** class-transformer's metadata store, as its own plainToInstance reads it: the module is there, its types are under types/. */
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
