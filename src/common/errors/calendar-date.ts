import { ValidateBy, ValidationOptions } from 'class-validator';

const SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real day written YYYY-MM-DD: 2025-02-29 and 2025-13-45 have the right shape and are not days. */
export function isCalendarDate(value: unknown): value is string {
  const match = typeof value === 'string' ? SHAPE.exec(value) : null;
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** One check and one message per date field: `dueBefore must be a date YYYY-MM-DD`. */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    { name: 'isCalendarDate', validator: { validate: (value) => isCalendarDate(value), defaultMessage: (args) => `${args?.property ?? 'value'} must be a date YYYY-MM-DD` } },
    options,
  );
}
