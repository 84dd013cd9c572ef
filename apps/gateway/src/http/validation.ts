import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { Errors } from '@clarion/contracts';
import { ApiError } from './api';

/**
 * Validates a JSON body against a class-validator DTO. A missing mandatory field answers the seed's
 * 4000 "Mandatory parameter missing"; any other violation 4001 naming the field.
 */
export function validateBody<T extends object>(cls: new () => T, body: unknown): T {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ApiError(Errors.invalidParameter('The body must be a JSON object.'));
  const dto = plainToInstance(cls, body);
  const errors = validateSync(dto, { whitelist: true, forbidUnknownValues: false });
  if (errors.length === 0) return dto;
  const first: ValidationError = errors[0];
  const value = (body as Record<string, unknown>)[first.property];
  if (value === undefined || value === null || value === '') throw new ApiError(Errors.mandatoryMissing(first.property), body);
  throw new ApiError(Errors.invalidParameter(Object.values(first.constraints ?? {}).join('; ') || first.property), body);
}
