import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { SUBJECT_ID } from './consent.dto.js';

@Injectable()
export class SubjectIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!SUBJECT_ID.test(value)) {
      throw new BadRequestException({
        message: 'The request is not valid',
        errors: [{ path: 'subjectId', message: 'subjectId must be 1-200 printable ASCII characters without spaces' }],
      });
    }
    return value;
  }
}
