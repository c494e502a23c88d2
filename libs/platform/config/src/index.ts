export { baseServiceEnv, env, type BaseServiceEnv } from './config.schema';
export { bootOrExit, CONFIG, ConfigError, ConfigModule, loadConfig } from './config.loader';
