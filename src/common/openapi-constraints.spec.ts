import 'reflect-metadata';
import { ArrayMaxSize, IsArray, IsString, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { addValidationConstraints } from './openapi-constraints.js';

class ReasonExample {
  @IsString()
  @Length(10, 2000)
  reason: string;

  @IsArray()
  @ArrayMaxSize(5)
  @Matches(/^[a-z]+$/, { each: true })
  tags: string[];

  @IsUUID('all')
  @MaxLength(50)
  ref: string;
}

describe('addValidationConstraints', () => {
  it('writes the limits the code enforces into the component schema, keeping what @ApiProperty set', () => {
    const schemas: Record<string, unknown> = {
      [ReasonExample.name]: {
        type: 'object',
        properties: { reason: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } }, ref: { type: 'string', maxLength: 36 } },
      },
    };
    addValidationConstraints(schemas);
    expect(schemas.ReasonExample).toEqual({
      type: 'object',
      properties: {
        reason: { type: 'string', minLength: 10, maxLength: 2000 },
        tags: { type: 'array', maxItems: 5, items: { type: 'string', pattern: '^[a-z]+$' } },
        ref: { type: 'string', format: 'uuid', maxLength: 36 },
      },
    });
  });
});
