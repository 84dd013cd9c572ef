import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { IsEmail, IsInt, IsNotEmpty, IsOptional, IsString, MaxLength, NotEquals } from 'class-validator';
import { Errors, TOPIC, derivedSid, type CreditEntryView } from '@clarion/contracts';
import { RequestReplyClient } from '@clarion/platform';
import { ApiError, okBody, unwrap } from '../http/api';
import { validateBody } from '../http/validation';
import { IdentityService } from './identity.service';

class CreateEnterpriseDto {
  @IsString() @IsNotEmpty() @MaxLength(200) name!: string;
}
class CreateAccountDto {
  @IsEmail() @MaxLength(320) email!: string;
}
class AddCreditDto {
  @IsString() @IsNotEmpty() enterpriseSid!: string;
  @IsInt() @NotEquals(0) credit!: number;
  @IsOptional() @IsString() @MaxLength(500) description?: string;
  /** Lets a retried top-up be recognised instead of counted twice (or the Idempotency-Key header). */
  @IsOptional() @IsString() @MaxLength(100) idempotencyKey?: string;
}

/** The platform staff's API (not a seed): enterprises, accounts, credit top-ups and reductions. */
@Controller('campaignmanager')
export class OperatorController {
  constructor(
    private readonly identity: IdentityService,
    private readonly rr: RequestReplyClient,
  ) {}

  @Post('enterprises')
  @HttpCode(201)
  async createEnterprise(@Body() body: unknown) {
    const dto = validateBody(CreateEnterpriseDto, body);
    return okBody(await this.identity.createEnterprise(dto.name.trim()));
  }

  @Post('enterprises/:enterpriseSid/accounts')
  @HttpCode(201)
  async createAccount(@Param('enterpriseSid') enterpriseSid: string, @Body() body: unknown) {
    const dto = validateBody(CreateAccountDto, body);
    return okBody(await this.identity.createAccount(enterpriseSid, dto.email));
  }

  /**
   * A top-up is idempotent by its key: the same enterprise and key add the credit once, and the same
   * key with another amount is refused (409). A key is required, because the 503 "may still
   * complete" answer invites a retry, and without one a retry would add the credit twice.
   */
  @Post('credits')
  @HttpCode(201)
  async addCredit(@Body() body: unknown, @Headers('idempotency-key') headerKey?: string) {
    const dto = validateBody(AddCreditDto, body);
    const key = dto.idempotencyKey ?? headerKey?.trim();
    if (!key) throw new ApiError(Errors.mandatoryMissing('idempotencyKey (or an Idempotency-Key header)'), body);
    if (key.length > 100) throw new ApiError(Errors.invalidParameter('The idempotency key is at most 100 characters.'), body);
    if (!(await this.identity.enterpriseExists(dto.enterpriseSid))) throw new ApiError(Errors.enterpriseNotFound, body);
    const entrySid = derivedSid('creditEntry', dto.enterpriseSid, key);
    const result = await this.rr.request<CreditEntryView>(TOPIC.creditCommands, dto.enterpriseSid, 'AddCredit', {
      entrySid,
      enterpriseSid: dto.enterpriseSid,
      credit: dto.credit,
      description: dto.description ?? null,
      accountSid: null,
      accountEmail: 'operator',
    });
    return okBody(unwrap(result, body));
  }
}
