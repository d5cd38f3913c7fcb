import { View } from '@tarojs/components';
import { DEFAULT_TIER_CONFIG, tierProgress } from '@member-ops/shared';
import { MemberCard } from './member-card';
import { sampleMember } from './sample-member';

export default function MemberPage() {
  const now = new Date();
  const { nickname, member } = sampleMember(now);
  const progress = tierProgress(member, DEFAULT_TIER_CONFIG, now);
  return (
    <View className="page">
      <MemberCard nickname={nickname} progress={progress} />
    </View>
  );
}
