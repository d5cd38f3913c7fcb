import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { type ProductSummary, formatYuan } from '@member-ops/shared';
import { ProductCover } from './product-cover';

export function openProduct(id: number): void {
  void Taro.navigateTo({ url: `/shop/pages/product/index?id=${id}` });
}

/** Two products a row, as shop home pages lay them out. */
export function ProductGrid({ products, badges }: { products: ProductSummary[]; badges?: Map<number, string> }) {
  return (
    <View className="product-grid">
      {products.map((product) => (
        <View key={product.id} className="product-card" data-testid="product-card" onClick={() => openProduct(product.id)}>
          <ProductCover id={product.id} title={product.title} label={product.category.name} />
          <View className="product-card__body">
            <Text className="product-card__title">{product.title}</Text>
            {badges?.get(product.id) && <Text className="tag">{badges.get(product.id)}</Text>}
            <View className="product-card__foot">
              <Text className="price">{formatYuan(product.minPriceFen)}</Text>
              <Text className="muted small">{product.inStock ? `已售${product.soldUnits}` : '暂时缺货'}</Text>
            </View>
          </View>
        </View>
      ))}
    </View>
  );
}
