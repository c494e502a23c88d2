export { CORRELATION_HEADER, MAX_CORRELATION_ID_LENGTH, correlation } from './correlation';
export {
  createLogger,
  formatPrettyLine,
  prettyStream,
  type LogLevelName,
  type Logger,
  type LoggerOptions,
} from './logger.factory';
export { LOGGER, LoggingModule, type LoggingModuleOptions } from './logging.module';
export { NestPinoLogger } from './nest-pino.logger';
export {
  REDACTED,
  SENSITIVE_KEYS,
  SENSITIVE_KEY_SUFFIXES,
  isSensitiveKey,
  redactSensitive,
} from './redaction';
