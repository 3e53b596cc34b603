import { ApiProperty } from '@nestjs/swagger';
import { IsLocalizedText, type LocalizedText } from '../../common/localized-text.js';

export class PreviewBulletinDto {
  @ApiProperty({ example: { en: 'News', es: 'Noticias' } })
  @IsLocalizedText(200)
  subject: LocalizedText;

  @ApiProperty({
    example: { en: 'Hi {{supporter.firstName | friend}}', es: 'Hola, {{supporter.firstName | compa}}' },
  })
  @IsLocalizedText(100_000)
  body: LocalizedText;
}

export class RenderedBulletinDto {
  @ApiProperty() subject: string;
  @ApiProperty({ description: 'the body as HTML (from Markdown, without raw HTML)' }) html: string;
  @ApiProperty() text: string;
}

export class BulletinPreviewDto {
  @ApiProperty({ type: RenderedBulletinDto, nullable: true }) en: RenderedBulletinDto | null;
  @ApiProperty({ type: RenderedBulletinDto, nullable: true }) es: RenderedBulletinDto | null;
}
