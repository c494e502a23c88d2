export { createHttpApp, HttpErrorFilter, listen, type HttpAppOptions } from './http.app';
export {
  ApiError,
  ERROR_STATUS,
  registerErrorCodes,
  toErrorResponse,
  ValidationFailedError,
  type ErrorBody,
  type FieldError,
} from './http.errors';
export { HEALTH_CHECKS, HealthModule, type HealthCheck } from './http.health';
export {
  ApiOperation,
  OpenApiDocumentBuilder,
  OpenApiModule,
  type ApiOperationSpec,
  type DiscoveredRoute,
  type OpenApiInfo,
} from './http.openapi';
export { ValidBody, ValidParam, ValidQuery, ZodPipe, zodFieldErrors } from './http.validation';
