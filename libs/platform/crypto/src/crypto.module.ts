import {
  Module,
  type DynamicModule,
  type FactoryProvider,
  type ModuleMetadata,
  type Provider,
} from '@nestjs/common';
import {
  FIELD_CIPHER_OPTIONS,
  FieldCipher,
  KEY_STORE,
  type FieldCipherOptions,
} from './field-cipher.service';
import type { KeyStore } from './key.store';

/** Options of {@link CryptoModule}: the cipher's options plus the key store to use. */
export interface CryptoModuleOptions extends FieldCipherOptions {
  /** Where wrapped data keys live, e.g. `new MongooseKeyStore(keyDatabaseConnection)`. */
  keyStore: KeyStore;
}

const CRYPTO_MODULE_OPTIONS = 'TRELLIS_CRYPTO_MODULE_OPTIONS';

/**
 * Provides {@link FieldCipher} (and the {@link KEY_STORE}) application-wide.
 *
 * ```ts
 * CryptoModule.forRootAsync({
 *   inject: [CONFIG, KEY_DB_CONNECTION],
 *   useFactory: (config, connection) => ({
 *     masterKeys: { activeKeyId: config.MASTER_KEY_ID, keys: parseMasterKeyList(config.MASTER_KEYS) },
 *     keyStore: new MongooseKeyStore(connection),
 *   }),
 * })
 * ```
 */
@Module({})
export class CryptoModule {
  static forRoot(options: CryptoModuleOptions): DynamicModule {
    return CryptoModule.build([], { provide: CRYPTO_MODULE_OPTIONS, useValue: options });
  }

  static forRootAsync(options: {
    imports?: ModuleMetadata['imports'];
    inject?: FactoryProvider['inject'];
    useFactory: (...args: never[]) => CryptoModuleOptions | Promise<CryptoModuleOptions>;
  }): DynamicModule {
    return CryptoModule.build(options.imports ?? [], {
      provide: CRYPTO_MODULE_OPTIONS,
      inject: options.inject ?? [],
      useFactory: options.useFactory,
    });
  }

  private static build(
    imports: NonNullable<ModuleMetadata['imports']>,
    optionsProvider: Provider,
  ): DynamicModule {
    return {
      module: CryptoModule,
      global: true,
      imports,
      providers: [
        optionsProvider,
        {
          provide: KEY_STORE,
          inject: [CRYPTO_MODULE_OPTIONS],
          useFactory: (o: CryptoModuleOptions) => o.keyStore,
        },
        {
          provide: FIELD_CIPHER_OPTIONS,
          inject: [CRYPTO_MODULE_OPTIONS],
          useFactory: (o: CryptoModuleOptions): FieldCipherOptions => o,
        },
        FieldCipher,
      ],
      exports: [FieldCipher, KEY_STORE],
    };
  }
}
