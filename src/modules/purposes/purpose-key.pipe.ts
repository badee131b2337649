import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { PURPOSE_KEY } from './purpose.dto.js';

@Injectable()
export class PurposeKeyPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!PURPOSE_KEY.test(value)) {
      throw new BadRequestException({ message: 'The request is not valid', errors: [{ path: 'key', message: 'key must be 2-64 lowercase letters, digits, - or _' }] });
    }
    return value;
  }
}
