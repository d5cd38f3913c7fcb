import { Input, Text, View } from '@tarojs/components';
import { useState } from 'react';
import type { ProductSummary } from '@member-ops/shared';
import { ProductGrid } from '../../../components/product-grid';
import { shopApi } from '../../../services/shop-api';
import { track, usePageTracking } from '../../../services/tracking';

const HOT_WORDS = ['龙井', '咖啡', '面膜', '礼盒'];

export default function SearchPage() {
  usePageTracking('shop/pages/search/index');
  const [keyword, setKeyword] = useState('');
  const [results, setResults] = useState<ProductSummary[]>();

  const search = async (word: string) => {
    const trimmed = word.trim();
    if (!trimmed) return;
    setKeyword(trimmed);
    track({ type: 'search', keyword: trimmed.slice(0, 100) });
    setResults((await shopApi.products({ keyword: trimmed.slice(0, 50), pageSize: 30 })).items);
  };

  return (
    <View className="page">
      <View className="search-bar">
        <Input
          className="search-bar__input"
          data-testid="search-input"
          value={keyword}
          focus
          confirmType="search"
          placeholder="搜索商品、品牌"
          onInput={(event) => setKeyword(event.detail.value)}
          onConfirm={(event) => void search(event.detail.value)}
        />
        <Text className="price" onClick={() => void search(keyword)}>
          搜索
        </Text>
      </View>
      {results === undefined && (
        <View className="card">
          <Text className="card__title">热门搜索</Text>
          <View className="chips">
            {HOT_WORDS.map((word) => (
              <Text key={word} className="chip" onClick={() => void search(word)}>
                {word}
              </Text>
            ))}
          </View>
        </View>
      )}
      {results && results.length > 0 && <ProductGrid products={results} />}
      {results && results.length === 0 && (
        <View className="empty-state">
          <Text>没有找到「{keyword}」相关的商品</Text>
        </View>
      )}
    </View>
  );
}
