import { Text, View } from '@tarojs/components';

export default function CategoryPage() {
  return (
    <View className="page">
      <View className="empty-state">
        <Text>暂无商品分类</Text>
      </View>
    </View>
  );
}
