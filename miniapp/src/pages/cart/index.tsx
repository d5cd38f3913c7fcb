import { Text, View } from '@tarojs/components';

export default function CartPage() {
  return (
    <View className="page">
      <View className="empty-state">
        <Text>购物车还是空的</Text>
      </View>
    </View>
  );
}
