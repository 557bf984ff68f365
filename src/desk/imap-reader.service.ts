import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ImapReader, parseImapUrl } from '../mail/inbound/imap-reader';
import { MailIntake } from '../mail/inbound/mail-intake.service';
import { DESK_CONFIG, type DeskConfig } from './desk-config';

/** Production's desk mailbox over IMAP (`DESK_IMAP_URL`); the embedded default is the mail sink's SMTP. */
@Injectable()
export class ImapReaderService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('desk-imap');
  private reader?: ImapReader;

  constructor(@Inject(DESK_CONFIG) private readonly desk: DeskConfig, private readonly intake: MailIntake) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.desk.imapUrl || !this.desk.intakeEnabled) return;
    this.reader = new ImapReader({ ...parseImapUrl(this.desk.imapUrl), pollMs: this.desk.imapPollMs, record: (raw, meta) => this.intake.record(raw, meta), log: (m) => this.logger.warn(m) });
    await this.reader.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.reader?.stop();
  }
}
