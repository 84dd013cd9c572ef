import 'reflect-metadata';
import { Module, type MiddlewareConsumer, type NestModule, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { context, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  HealthModule,
  PlatformModule,
  RequestReplyClient,
  closePlatform,
  intFromEnv,
  openPlatform,
  readPlatformConfig,
  runMain,
  waitFor,
  startTelemetry,
  tracer,
  type Platform,
  type StartOptions,
} from '@clarion/platform';
import { ApiErrorFilter } from './http/api';
import { AccountAdmission, type AdmittedRequest } from './http/admission';
import { rejectRepeatedQueryParameters } from './http/query';
import { IdentityService } from './identity/identity.service';
import { IdentityTables1 } from './identity/identity.migrations';
import { AnnouncementFileTables1 } from './announcements/announcement-files.migrations';
import { OperatorController } from './identity/operator.controller';
import { CAMPAIGN_CONTROLLERS } from './campaigns';
import { campaignPollFastPath } from './campaigns/get-campaign/campaign-poll';
import { CREDIT_CONTROLLERS } from './credits';
import { DND_CONTROLLERS } from './dnd';
import { ANNOUNCEMENT_CONTROLLERS } from './announcements';
import { setupDocs } from './http/openapi';
import { CampaignReadModel, READ_MODEL_MIGRATIONS, readCampaignReads, startReadModelConsumer } from './read-model';
import { RecipientsReportTables1, startRecipientsReport } from './recipients-report';
import { GatewayConsentTables1 } from './dnd/consent/consent.migrations';
import { ConsentReadModelConsumer } from './dnd/consent/consent.consumer';
import { GatewayVoiceTables1, VOICE_CONTROLLERS, VoiceConfig } from './voice';
import { VOICE_CAMPAIGN_CONTROLLERS } from './voice-campaigns';
import { GatewayQuietHoursTables1, QuietHoursConfig, SETTINGS_CONTROLLERS, defaultQuietHoursApplies } from './settings';

/** One SERVER span per request; everything the request sends to Kafka carries its context. */
function tracing(req: Request, res: Response, next: NextFunction): void {
  const span = tracer().startSpan(`HTTP ${req.method} ${req.path}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': req.path } });
  res.on('finish', () => {
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  context.with(trace.setSpan(context.active(), span), () => next());
}

function makeModule(platform: Platform, rr: RequestReplyClient, operatorToken: string | undefined, quietHours: QuietHoursConfig, voice: VoiceConfig) {
  @Module({
    imports: [PlatformModule.forRoot(platform), HealthModule.forService(platform.health)],
    controllers: [
      OperatorController,
      ...CAMPAIGN_CONTROLLERS,
      ...CREDIT_CONTROLLERS,
      ...DND_CONTROLLERS,
      ...ANNOUNCEMENT_CONTROLLERS,
      ...SETTINGS_CONTROLLERS,
      ...VOICE_CONTROLLERS,
      ...VOICE_CAMPAIGN_CONTROLLERS,
    ],
    providers: [
      IdentityService,
      AccountAdmission,
      { provide: RequestReplyClient, useValue: rr },
      CampaignReadModel,
      { provide: QuietHoursConfig, useValue: quietHours },
      { provide: VoiceConfig, useValue: voice },
    ],
  })
  class GatewayModule implements NestModule {
    constructor(
      private readonly identity: IdentityService,
      private readonly admission: AccountAdmission,
    ) {}
    configure(consumer: MiddlewareConsumer): void {
      consumer.apply(rejectRepeatedQueryParameters).forRoutes('*path');
      const operatorRoutes = [
        { path: 'campaignmanager/enterprises', method: RequestMethod.POST },
        { path: 'campaignmanager/enterprises/*path', method: RequestMethod.POST },
        { path: 'campaignmanager/credits', method: RequestMethod.POST },
      ];
      // Middleware throws rather than calling next(err): Nest routes thrown errors through the
      // global filter, so a 401 has the same { code, message, data } body as every other error.
      consumer
        .apply((req: Request, _res: Response, next: NextFunction) => {
          this.identity.authenticateOperator(req.headers.authorization, operatorToken);
          next();
        })
        .forRoutes(...operatorRoutes);
      consumer
        .apply(async (req: AdmittedRequest, res: Response, next: NextFunction) => {
          await this.admission.admit(req, res);
          next();
        })
        .exclude(...operatorRoutes)
        .forRoutes('campaignmanager/*path', 'api/*path', 'v2/*path');
    }
  }
  return GatewayModule;
}

export interface RunningGateway {
  url: string;
  healthUrl: string;
  platform: Platform;
  close(): Promise<void>;
}

export async function startGateway(options: StartOptions & { port?: number; host?: string } = {}): Promise<RunningGateway> {
  const env = options.env ?? process.env;
  startTelemetry('gateway', options.spanProcessors);
  const platform = await openPlatform(
    'gateway',
    'gateway',
    [IdentityTables1, AnnouncementFileTables1, ...READ_MODEL_MIGRATIONS, RecipientsReportTables1, GatewayConsentTables1, GatewayQuietHoursTables1, GatewayVoiceTables1],
    readPlatformConfig(env),
  );
  const rr = new RequestReplyClient(platform.kafka, platform.producer, platform.config.topicPrefix);
  await waitFor('the gateway replies consumer', () => rr.start());
  const app = await NestFactory.create<NestExpressApplication>(
    makeModule(platform, rr, env.CLARION_OPERATOR_TOKEN || undefined, new QuietHoursConfig(defaultQuietHoursApplies(env)), VoiceConfig.fromEnv(env)),
    {
      logger: ['error', 'warn'],
      bodyParser: true,
    },
  );
  app.use(tracing);
  // The campaign poll is answered before the body parsers and Nest's router (campaign-poll.ts); in
  // request-reply mode every read goes to campaign-svc, so there is nothing to answer it from.
  if (readCampaignReads(env) === 'read-model') app.use(campaignPollFastPath(app.get(AccountAdmission), app.get(CampaignReadModel)));
  // JSON campaign bodies carry up to LIMITS.jsonRecipientsMax recipients (with seed 001's fields): past express's 100 KB default.
  app.useBodyParser('json', { limit: '4mb' });
  app.useGlobalFilters(new ApiErrorFilter());
  // The API description at /docs (and /docs-json), generated from the controllers' decorators.
  setupDocs(app);
  // The read model is kept current before the gateway listens; in request-reply mode it is not used.
  const readModel = readCampaignReads(env) === 'read-model' ? await waitFor('the read model consumer', () => startReadModelConsumer(platform, app.get(CampaignReadModel), env, options.onFatal)) : null;
  const port = options.port ?? intFromEnv('PORT', 3000, env);
  const host = options.host ?? env.HOST ?? '127.0.0.1';
  await app.listen(port, host);
  const address = app.getHttpServer().address();
  const url = `http://${host}:${typeof address === 'object' && address ? address.port : port}`;
  const report = startRecipientsReport(platform, env, options.onFatal);
  // The consent read model joins its group in the background, as the report does, so a slow rejoin never holds the API back.
  const consent = new ConsentReadModelConsumer(platform);
  const consentStarted = waitFor('the consent read model consumer', () => consent.start()).catch((err: Error) => {
    console.error(`[gateway] the consent read model consumer did not start: ${err.message}`);
    options.onFatal?.(err.message);
  });
  return {
    url,
    healthUrl: url,
    platform,
    close: async () => {
      await app.close();
      await readModel?.close();
      await report.stop();
      await consentStarted;
      await consent.stop();
      await rr.stop();
      await closePlatform(platform);
    },
  };
}

if (require.main === module) {
  runMain(async (options) => {
    const gw = await startGateway(options);
    console.log(`gateway listening on ${gw.url}`);
    return gw;
  }, 'gateway');
}
