import { ApiProperty } from '@nestjs/swagger';

/** OpenAPI shape of ConsentReceipt (consent.receipt.ts). */
export class ConsentReceiptDto {
  @ApiProperty({ example: 'KI-CR-v1.1.0' }) version: string;
  @ApiProperty({ example: 'UK' }) jurisdiction: string;
  @ApiProperty({ example: 1795400100, description: 'Seconds since the epoch' }) consentTimestamp: number;
  @ApiProperty({ example: 'settings_page' }) collectionMethod: string;
  @ApiProperty({ example: '0f8fad5b-d9cb-469f-a165-70867728950e' }) consentReceiptID: string;
  @ApiProperty({ example: 'en' }) language: string;
  @ApiProperty({ example: 'usr_01HF3Z6Q8K' }) piiPrincipalId: string;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) piiControllers: object[];
  @ApiProperty({ nullable: true, type: String }) policyUrl: string | null;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) services: object[];
  @ApiProperty() sensitive: boolean;
  @ApiProperty({ type: [String] }) spiCat: string[];
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Lawful basis, notice version and hash, event state, withdrawal method, ledger position' })
  iso27560: object;
}
