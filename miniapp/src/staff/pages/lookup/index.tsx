import { Text, View } from '@tarojs/components';

export default function StaffLookupPage() {
  return (
    <View className="page">
      <View className="empty-state">
        <Text>店员登录后可扫会员码或输入手机尾号查询会员</Text>
      </View>
    </View>
  );
}
