import { Text, View } from '@tarojs/components';
import { TIER_LABELS, type TierProgress, formatTierUpgradeHint, formatYuan } from '@member-ops/shared';
import './member-card.css';

export interface MemberCardProps {
  nickname: string;
  progress: TierProgress;
}

export function MemberCard({ nickname, progress }: MemberCardProps) {
  const upgradeHint = formatTierUpgradeHint(progress);
  const percent = Math.round(progress.ratio * 100);
  return (
    <View className={`member-card member-card--${progress.tier}`}>
      <View className="member-card__head">
        <Text className="member-card__name">{nickname}</Text>
        <Text className="member-card__tier">{TIER_LABELS[progress.tier]}</Text>
      </View>
      <Text className="member-card__growth">成长值 {formatYuan(progress.growthFen)}</Text>
      <View className="member-card__bar">
        <View className="member-card__bar-fill" style={{ width: `${percent}%` }} />
      </View>
      <Text className="member-card__hint">{upgradeHint ?? '已是最高等级会员'}</Text>
    </View>
  );
}
