import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'ga1' })
  @IsString()
  @Length(1, 64)
  readonly username!: string;

  @ApiProperty({ example: 'opsdesk-demo' })
  @IsString()
  @Length(1, 256)
  readonly password!: string;
}
