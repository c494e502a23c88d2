export { baseServiceEnv, env, type BaseServiceEnv } from './config.schema';
export { bootOrExit, CONFIG, ConfigError, ConfigModule, loadConfig } from './config.loader';
export {
  checkSecuredServiceEnv,
  masterKeyConfig,
  securedServiceEnvShape,
} from './secured-service.env';
