import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A UUID path parameter. A bad one is a 400 validation_failed naming the parameter, like every
 * other bad input (Nest's ParseUUIDPipe answers "Validation failed (uuid is expected)" without
 * `errors[]`), and a good one is returned in lower case: the form Lethe stores and builds file
 * paths from, so an upper-cased link finds the same thing.
 */
@Injectable()
export class UuidPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    const name = metadata.data ?? 'id';
    if (typeof value !== 'string' || !UUID.test(value)) {
      throw new BadRequestException({ message: 'The request is not valid', errors: [{ path: name, message: `${name} must be a UUID` }] });
    }
    return value.toLowerCase();
  }
}

/** The one instance controllers share: `@Param('id', uuid)`. */
export const uuid = new UuidPipe();
