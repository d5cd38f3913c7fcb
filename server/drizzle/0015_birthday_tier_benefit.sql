-- The built-in birthday coupon is a tier benefit: an installed 生日礼券 campaign enrolls only members whose tier grants it.
UPDATE "campaigns" SET "trigger" = "trigger" || '{"tierBenefitOnly": true}'::jsonb
WHERE "builtin_code" = 'birthday' AND "trigger" IS NOT NULL AND "trigger" -> 'tierBenefitOnly' IS NULL;
