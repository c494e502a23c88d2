export {
  createServiceApp,
  platformImports,
  securedAuthOptions,
  type ConfigSource,
  type ServiceAuthConfig,
  type ServiceBaseConfig,
  type ServiceCryptoConfig,
  type ServiceKit,
} from './service.kit';
