import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

import { OIDCProvider } from '../providers/provider-names.js';
import { SUPPORTED_ALGORITHMS } from '../verification/algorithms.js';

const OIDC_URLS_MESSAGE = "Parameter 'oidcUrls' must be a non-empty list of OIDC URLs.";
const AUDIENCES_MESSAGE = "Parameter 'audiences' must be a non-empty list of audience strings.";
const SECONDS = { message: '$property must be a whole number of seconds, at least $constraint1' };
// A realm is written inside a quoted header value, so quotes, backslashes and control characters are refused.
const HEADER_SAFE = /^[\x20-\x7e]*$/;
const HEADER_SAFE_MESSAGE = { message: '$property must be printable ASCII without quotes or backslashes' };
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PRESETS = Object.values(OIDCProvider);
const TENANTS_MESSAGE = { message: '$property must be a non-empty list of tenant IDs' };
const ALGORITHMS_MESSAGE = { message: '$property must be a non-empty list of algorithm names' };

/** Validation rules of the options that decide how one provider's tokens are verified. */
export class ProviderRulesSchema {
  @IsOptional() @IsString() @MinLength(1) issuer?: string;
  @IsOptional() @IsBoolean() sameOriginIssuer?: boolean;
  @IsOptional() @IsString() @MinLength(1) rolesKey?: string;
  @IsOptional() @IsIn(PRESETS, { message: `$property must be one of ${PRESETS.join(', ')}` }) preset?: string;
  @IsOptional() @IsObject() requiredClaims?: Record<string, unknown>;
  @IsOptional()
  @IsArray(TENANTS_MESSAGE)
  @ArrayNotEmpty(TENANTS_MESSAGE)
  @Matches(GUID, { each: true, message: 'every entry must be a tenant ID (a GUID)' })
  tenants?: string[];
  @IsOptional() @IsBoolean() allowAnyTenant?: boolean;
  @IsOptional() @IsString() @MinLength(1) tokenIssuer?: string;
}

/** Validation rules of one provider's options. */
export class ProviderOptionsSchema extends ProviderRulesSchema {
  @IsArray({ message: OIDC_URLS_MESSAGE })
  @ArrayNotEmpty({ message: OIDC_URLS_MESSAGE })
  @IsString({ each: true, message: OIDC_URLS_MESSAGE })
  oidcUrls!: string[];

  @IsArray({ message: AUDIENCES_MESSAGE })
  @ArrayNotEmpty({ message: AUDIENCES_MESSAGE })
  @IsString({ each: true, message: AUDIENCES_MESSAGE })
  @MinLength(1, { each: true, message: AUDIENCES_MESSAGE })
  audiences!: string[];
}

/** Validation rules of the top-level options; defaults are filled in by `resolveOptions`. */
export class OidcAuthOptionsSchema extends ProviderRulesSchema {
  @ValidateIf((options: OidcAuthOptionsSchema) => options.providers === undefined || options.oidcUrls !== undefined)
  @IsArray({ message: OIDC_URLS_MESSAGE })
  @ArrayNotEmpty({ message: OIDC_URLS_MESSAGE })
  @IsString({ each: true, message: OIDC_URLS_MESSAGE })
  oidcUrls?: string[];

  @ValidateIf((options: OidcAuthOptionsSchema) => options.providers === undefined || options.audiences !== undefined)
  @IsArray({ message: AUDIENCES_MESSAGE })
  @ArrayNotEmpty({ message: AUDIENCES_MESSAGE })
  @IsString({ each: true, message: AUDIENCES_MESSAGE })
  @MinLength(1, { each: true, message: AUDIENCES_MESSAGE })
  audiences?: string[];

  @IsOptional()
  @IsArray({ message: 'providers must be a non-empty list of provider options' })
  @ArrayNotEmpty({ message: 'providers must be a non-empty list of provider options' })
  @ValidateNested({ each: true })
  @Type(() => ProviderOptionsSchema)
  providers?: ProviderOptionsSchema[];

  @IsOptional() @IsArray({ message: '$property must be a list of paths' }) @IsString({ each: true }) @Matches(/^\//, { each: true, message: 'every entry must start with /' })
  excludedPaths?: string[];

  @IsOptional() @IsInt(SECONDS) @Min(1, SECONDS) oidcTtl?: number;
  @IsOptional() @IsInt(SECONDS) @Min(1, SECONDS) jwksTtl?: number;
  @IsOptional() @IsInt(SECONDS) @Min(0, SECONDS) keyRefetchCooldown?: number;
  @IsOptional() @IsInt(SECONDS) @Min(0, SECONDS) @Max(300, { message: '$property must be at most 300 seconds' }) clockTolerance?: number;
  @IsOptional() @IsInt(SECONDS) @Min(1, SECONDS) fetchTimeout?: number;
  @IsOptional() @IsInt(SECONDS) @Min(0, SECONDS) maxStaleAge?: number;
  @IsOptional() @IsInt(SECONDS) @Min(0, SECONDS) providerRetryInterval?: number;

  @IsOptional()
  @IsArray(ALGORITHMS_MESSAGE)
  @ArrayNotEmpty(ALGORITHMS_MESSAGE)
  @IsIn([...SUPPORTED_ALGORITHMS], { each: true, message: `every entry must be one of ${SUPPORTED_ALGORITHMS.join(', ')}` })
  algorithms?: string[];

  @IsOptional() @IsInt() @Min(1024) maxDocumentSize?: number;
  @IsOptional() @IsInt() @Min(64) maxTokenLength?: number;

  @IsOptional() @IsBoolean() allowQueryToken?: boolean;
  @IsOptional() @IsBoolean() shareProviderDocuments?: boolean;
  @IsOptional() @IsBoolean() allowPreflight?: boolean;
  @IsOptional() @IsInt(SECONDS) @Min(0, SECONDS) tokenTtl?: number;
  @IsOptional() @IsInt() @Min(1) tokenCacheMaxsize?: number;
  @IsOptional() @IsInt() @Min(1) tokenCacheTimeoutMs?: number;

  @IsOptional()
  @IsString()
  @Matches(HEADER_SAFE, HEADER_SAFE_MESSAGE)
  @Matches(/^[^"\\]*$/, HEADER_SAFE_MESSAGE)
  realm?: string;
}
