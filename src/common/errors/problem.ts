import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export class ProblemFieldErrorDto {
  @ApiProperty({ example: 'roles[0]', description: 'Where in the input the problem is (dotted path, [n] for array items)' })
  path: string;

  @ApiProperty({ example: 'each value in roles must be one of: admin, counsel, auditor, iam' })
  message: string;
}

/** RFC 9457 problem details, the body of every 4xx and 5xx answer. */
export class ProblemDto {
  @ApiProperty({ example: 'urn:lethe:problem:validation_failed' })
  type: string;

  @ApiProperty({ example: 'Bad Request' })
  title: string;

  @ApiProperty({ example: 400 })
  status: number;

  @ApiPropertyOptional({ example: 'The request body is not valid' })
  detail?: string;

  @ApiProperty({ example: 'urn:lethe:request:8f0c1f9e-5c1e-4a57-9d0e-1f6f8f3e2a11', description: 'This occurrence; quote it when asking for support' })
  instance: string;

  @ApiPropertyOptional({ type: [ProblemFieldErrorDto] })
  errors?: ProblemFieldErrorDto[];
}

export interface FieldError {
  path: string;
  message: string;
}
