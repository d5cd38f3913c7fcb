import { ScrollView, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useState } from 'react';
import { type ProductSummary, formatYuan } from '@member-ops/shared';
import { PrivacyGate } from '../../components/privacy-gate';
import { ProductCover } from '../../components/product-cover';
import { openProduct } from '../../components/product-grid';
import { shopApi } from '../../services/shop-api';
import { track, usePageTracking } from '../../services/tracking';
import './index.css';

interface CategoryItem {
  code: string;
  name: string;
}

export default function CategoryPage() {
  usePageTracking('pages/category/index');
  const [categories, setCategories] = useState<CategoryItem[]>([]);
  const [active, setActive] = useState<string>();
  const [products, setProducts] = useState<ProductSummary[]>([]);
  const [loading, setLoading] = useState(false);

  const choose = async (code: string) => {
    setActive(code);
    setLoading(true);
    track({ type: 'category_view', category: code });
    try {
      setProducts((await shopApi.products({ category: code, pageSize: 30, sort: 'sales' })).items);
    } finally {
      setLoading(false);
    }
  };

  useDidShow(() => {
    if (categories.length > 0) return;
    void (async () => {
      const { items } = await shopApi.categories();
      const roots = items.filter((item) => item.parentId === null).sort((a, b) => a.position - b.position);
      setCategories(roots);
      if (roots[0]) await choose(roots[0].code);
    })();
  });

  return (
    <View className="category">
      <View className="category__search">
        <View className="search-bar" onClick={() => void Taro.navigateTo({ url: '/shop/pages/search/index' })}>
          <Text>搜索商品、品牌</Text>
        </View>
      </View>
      <View className="category__body">
        <ScrollView scrollY className="category__nav">
          {categories.map((category) => (
            <View
              key={category.code}
              className={`category__nav-item ${category.code === active ? 'category__nav-item--active' : ''}`}
              onClick={() => void choose(category.code)}
            >
              <Text>{category.name}</Text>
            </View>
          ))}
        </ScrollView>
        <ScrollView scrollY className="category__list">
          {products.map((product) => (
            <View
              key={product.id}
              className="category__product"
              data-testid="category-product"
              onClick={() => openProduct(product.id)}
            >
              <ProductCover id={product.id} title={product.title} label={product.category.name} size="thumb" />
              <View className="list-item__main">
                <Text className="category__product-title">{product.title}</Text>
                <Text className="muted small">{product.brand?.name ?? ' '}</Text>
                <Text className="price">{formatYuan(product.minPriceFen)}</Text>
              </View>
            </View>
          ))}
          {!loading && products.length === 0 && (
            <View className="empty-state">
              <Text>该分类暂无商品</Text>
            </View>
          )}
        </ScrollView>
      </View>
      <PrivacyGate />
    </View>
  );
}
