import {
  Module,
  type DynamicModule,
  type FactoryProvider,
  type ModuleMetadata,
  type Provider,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import {
  SERVICE_TOKEN_OPTIONS,
  ServiceTokenIssuer,
  type ServiceTokenOptions,
} from './service-token.issuer';
import { AUTH_OPTIONS, TokenVerifier, type AuthOptions } from './token.verifier';

/** Options of {@link AuthModule}. */
export interface AuthModuleOptions extends AuthOptions {
  /** When this service calls other services' internal endpoints: how it signs its tokens. */
  serviceToken?: ServiceTokenOptions;
}

const AUTH_MODULE_OPTIONS = 'TRELLIS_AUTH_MODULE_OPTIONS';

/**
 * Token verification for a service: provides {@link TokenVerifier}, registers {@link AuthGuard}
 * for every route (opt out per route with `@Public()`), and with `serviceToken` a
 * {@link ServiceTokenIssuer}.
 */
@Module({})
export class AuthModule {
  static forRoot(
    options: AuthModuleOptions,
    extras: { globalGuard?: boolean } = {},
  ): DynamicModule {
    return AuthModule.build(
      [],
      { provide: AUTH_MODULE_OPTIONS, useValue: options },
      {
        globalGuard: extras.globalGuard ?? true,
        serviceToken: options.serviceToken !== undefined,
      },
    );
  }

  static forRootAsync(options: {
    imports?: ModuleMetadata['imports'];
    inject?: FactoryProvider['inject'];
    useFactory: (...args: never[]) => AuthModuleOptions | Promise<AuthModuleOptions>;
    /** Register {@link AuthGuard} for every route (default true). */
    globalGuard?: boolean;
    /** Provide a {@link ServiceTokenIssuer}; the factory must then return `serviceToken`. */
    serviceToken?: boolean;
  }): DynamicModule {
    return AuthModule.build(
      options.imports ?? [],
      {
        provide: AUTH_MODULE_OPTIONS,
        inject: options.inject ?? [],
        useFactory: options.useFactory,
      },
      { globalGuard: options.globalGuard ?? true, serviceToken: options.serviceToken ?? false },
    );
  }

  private static build(
    imports: NonNullable<ModuleMetadata['imports']>,
    optionsProvider: Provider,
    features: { globalGuard: boolean; serviceToken: boolean },
  ): DynamicModule {
    const serviceTokenProviders: Provider[] = [
      {
        provide: SERVICE_TOKEN_OPTIONS,
        inject: [AUTH_MODULE_OPTIONS],
        useFactory: (o: AuthModuleOptions): ServiceTokenOptions => {
          if (!o.serviceToken) throw new Error('AuthModule: serviceToken options are missing');
          return o.serviceToken;
        },
      },
      ServiceTokenIssuer,
    ];
    return {
      module: AuthModule,
      global: true,
      imports,
      providers: [
        optionsProvider,
        {
          provide: AUTH_OPTIONS,
          inject: [AUTH_MODULE_OPTIONS],
          useFactory: (o: AuthModuleOptions): AuthOptions => o,
        },
        TokenVerifier,
        AuthGuard,
        ...(features.serviceToken ? serviceTokenProviders : []),
        ...(features.globalGuard ? [{ provide: APP_GUARD, useExisting: AuthGuard }] : []),
      ],
      exports: [
        AUTH_OPTIONS,
        TokenVerifier,
        AuthGuard,
        ...(features.serviceToken ? [ServiceTokenIssuer] : []),
      ],
    };
  }
}
