import { Text, View } from '@tarojs/components';

export default function HomePage() {
  return (
    <View className="page">
      <View className="empty-state">
        <Text>暂无上架商品</Text>
      </View>
    </View>
  );
}
