import { ApiProperty } from '@nestjs/swagger';

export class TcfItemDto {
  @ApiProperty({ example: 3 }) id: number;
  @ApiProperty({ nullable: true, type: String, example: 'Create profiles for personalised advertising', description: 'The IAB name (Global Vendor List v3, English); null for an id the TCF does not define' })
  name: string | null;
}

/** A TC string decoded (iab-signals.ts TcfSignal). */
export class TcfSignalDto {
  @ApiProperty({ example: 2 }) version: number;
  @ApiProperty({ example: 4, description: 'TCF policy version (4 and later: TCF v2.2)' }) policyVersion: number;
  @ApiProperty({ example: 2, description: 'The CMP’s IAB id' }) cmpId: number;
  @ApiProperty({ example: 1 }) cmpVersion: number;
  @ApiProperty({ example: 1 }) consentScreen: number;
  @ApiProperty({ example: 'EN' }) consentLanguage: string;
  @ApiProperty({ example: 7 }) vendorListVersion: number;
  @ApiProperty({ example: 'AQ' }) publisherCountryCode: string;
  @ApiProperty({ example: false }) isServiceSpecific: boolean;
  @ApiProperty({ example: false }) purposeOneTreatment: boolean;
  @ApiProperty({ nullable: true, type: String, example: '2019-12-04T18:53:00.000Z' }) created: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2019-12-10T18:53:00.000Z' }) lastUpdated: string | null;
  @ApiProperty({ type: [TcfItemDto], description: 'Purposes consented to' }) purposeConsents: TcfItemDto[];
  @ApiProperty({ type: [TcfItemDto], description: 'Purposes under legitimate interest (not objected to)' }) purposeLegitimateInterests: TcfItemDto[];
  @ApiProperty({ type: [TcfItemDto], example: [{ id: 1, name: 'Use precise geolocation data' }] }) specialFeatureOptins: TcfItemDto[];
  @ApiProperty({ type: [Number], example: [1, 173, 722], description: 'Vendor ids (Global Vendor List) consented to' }) vendorConsents: number[];
  @ApiProperty({ type: [Number], example: [] }) vendorLegitimateInterests: number[];
}

export class GppSectionRefDto {
  @ApiProperty({ example: 7 }) id: number;
  @ApiProperty({ nullable: true, type: String, example: 'usnat', description: 'null for a section id the pinned library does not know' }) name: string | null;
}

export class GppUsSectionDto {
  @ApiProperty({ example: 'usnat' }) section: string;
  @ApiProperty({ example: 7 }) id: number;
  @ApiProperty({ nullable: true, type: Boolean, example: true, description: 'The section’s Gpc field; null where it has none or its GPC segment was left out' }) gpc: boolean | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', enum: ['not_applicable', 'opted_out', 'did_not_opt_out'] },
    example: { SaleOptOut: 'opted_out', SharingOptOut: 'opted_out', TargetedAdvertisingOptOut: 'opted_out' },
    description: 'Each …OptOut field (uspv1: OptOutSale), in words',
  })
  optOuts: Record<string, string>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Every field of the section as @iabgpp/cmpapi decodes it' }) fields: Record<string, unknown>;
}

/** A GPP string decoded (iab-signals.ts GppSignal). */
export class GppSignalDto {
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty({ type: [GppSectionRefDto] }) sections: GppSectionRefDto[];
  @ApiProperty({ nullable: true, type: Boolean, example: true, description: 'true when any US section says Gpc = 1 (the GPC rules were applied); false when some say 0 and none 1; null when none carries it' })
  gpc: boolean | null;
  @ApiProperty({ type: [GppUsSectionDto] }) us: GppUsSectionDto[];
  @ApiProperty({ nullable: true, type: TcfSignalDto, description: 'The tcfeuv2 section, decoded' }) tcfeuv2: TcfSignalDto | null;
}

export class ReceiptSignalsDto {
  @ApiProperty({ nullable: true, type: String, example: 'COrEAV4OrXx94ACABBENAHCIAD-AAAAAAACAAxAAAAgAIAwgAgAAAAEAgQAAAAAEAYQAQAAAACAAAABAAA.IBAgAAAgAIAwgAgAAAAEAAAACA.QAagAQAgAIAwgA', description: 'The TC string as sent' })
  tcString: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'DBABLA~BVVVkkkkkpFY.YA', description: 'The GPP string as sent' }) gppString: string | null;
  @ApiProperty({ nullable: true, type: TcfSignalDto }) tcf: TcfSignalDto | null;
  @ApiProperty({ nullable: true, type: GppSignalDto }) gpp: GppSignalDto | null;
  @ApiProperty({ example: false, description: 'The stored strings could not be opened (an edited row, or a key no longer configured): the chain’s verification tells which' })
  unreadable: boolean;
}

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
  @ApiProperty({
    nullable: true,
    type: ReceiptSignalsDto,
    description: 'The IAB TCF / GPP strings the event carried, as sent and decoded (IAB Tech Lab libraries); null when it carried none, and after pseudonymisation removed them',
  })
  signals: ReceiptSignalsDto | null;
}
