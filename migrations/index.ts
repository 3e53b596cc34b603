// Every migration, in order. `npm run migration:create` / `migration:generate` add new files here.
// (Listed explicitly rather than found by a glob, so the app, the CLI and jest load the same classes.)
import { Foundation1795312787378 } from './1795312787378-foundation.js';
import { StaffAndCampaigns1795314600000 } from './1795314600000-staff-and-campaigns.js';
import { SupportersAndPledges1795316000000 } from './1795316000000-supporters-and-pledges.js';
import { MailMessages1795315005024 } from './1795315005024-mail-messages.js';
import { Fundraising1795316437219 } from './1795316437219-fundraising.js';
import { Reminders1795315728767 } from './1795315728767-reminders.js';
import { Events1795316700000 } from './1795316700000-events.js';
import { Letters1795317000000 } from './1795317000000-letters.js';
import { QueuedDeliveries1795400000000 } from './1795400000000-queued-deliveries.js';
import { CsvCells1795500000000 } from './1795500000000-csv-cells.js';
import { WaitlistLength1795600000000 } from './1795600000000-waitlist-length.js';
import { Organizations1795700000000 } from './1795700000000-organizations.js';
import { SessionCutOff1795750000000 } from './1795750000000-session-cut-off.js';
import { MailCapIndex1795750000001 } from './1795750000001-mail-cap-index.js';
import { RsvpApproval1795760000000 } from './1795760000000-rsvp-approval.js';
import { MailboxIsTheKey1795780000000 } from './1795780000000-mailbox-is-the-key.js';
import { ReminderLease1795800000000 } from './1795800000000-reminder-lease.js';
import { Tags1795900000000 } from './1795900000000-tags.js';
import { LineEndings1796200000000 } from './1796200000000-line-endings.js';
import { CampaignHidden1796400000000 } from './1796400000000-campaign-hidden.js';
import { Bulletins1796500000000 } from './1796500000000-bulletins.js';
import { Giving1796600000000 } from './1796600000000-giving.js';
import { EmbedsSourcesPhone1796700000000 } from './1796700000000-embeds-sources-phone.js';
import { BulletinBatches1797100000000 } from './1797100000000-bulletin-batches.js';
import { MailLogIndexes1797150000000 } from './1797150000000-mail-log-indexes.js';
import { BulletinClaims1797160000000 } from './1797160000000-bulletin-claims.js';
import { ConcealedLinks1797200000000 } from './1797200000000-concealed-links.js';

export const migrations = [
  Foundation1795312787378,
  StaffAndCampaigns1795314600000,
  SupportersAndPledges1795316000000,
  MailMessages1795315005024,
  Fundraising1795316437219,
  Reminders1795315728767,
  Events1795316700000,
  Letters1795317000000,
  QueuedDeliveries1795400000000,
  CsvCells1795500000000,
  WaitlistLength1795600000000,
  Organizations1795700000000,
  SessionCutOff1795750000000,
  MailCapIndex1795750000001,
  RsvpApproval1795760000000,
  MailboxIsTheKey1795780000000,
  ReminderLease1795800000000,
  Tags1795900000000,
  LineEndings1796200000000,
  CampaignHidden1796400000000,
  Bulletins1796500000000,
  Giving1796600000000,
  EmbedsSourcesPhone1796700000000,
  BulletinBatches1797100000000,
  MailLogIndexes1797150000000,
  BulletinClaims1797160000000,
  ConcealedLinks1797200000000,
];
