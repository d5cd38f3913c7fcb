import { Text, View } from '@tarojs/components';
import { TIER_LABELS, type TierProgress, formatTierKeepHint, formatTierUpgradeHint, formatYuan } from '@member-ops/shared';
import './member-card.css';

export interface MemberCardProps {
  nickname: string;
  progress: TierProgress;
  now: Date;
}

/** The tier card: tier, growth value, a bar towards the next tier, and what upgrading or keeping the tier takes. */
export function MemberCard({ nickname, progress, now }: MemberCardProps) {
  const upgradeHint = formatTierUpgradeHint(progress);
  const keepHint = formatTierKeepHint(progress, now);
  const percent = Math.round(progress.ratio * 100);
  return (
    <View className={`member-card member-card--${progress.tier}`} data-testid="member-card">
      <View className="member-card__head">
        <Text className="member-card__name">{nickname}</Text>
        <Text className="member-card__tier" data-testid="member-tier">
          {TIER_LABELS[progress.tier]}
        </Text>
      </View>
      <Text className="member-card__growth">成长值 {formatYuan(progress.growthFen)}</Text>
      <View className="member-card__bar">
        <View className="member-card__bar-fill" style={{ width: `${percent}%` }} />
      </View>
      <Text className="member-card__hint" data-testid="member-upgrade-hint">
        {upgradeHint ?? '已是最高等级会员'}
      </Text>
      {keepHint && <Text className="member-card__keep">{keepHint}</Text>}
    </View>
  );
}
