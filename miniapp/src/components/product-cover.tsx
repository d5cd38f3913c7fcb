import { Text, View } from '@tarojs/components';

const PALETTES = ['#f4d9c6', '#d9e8d4', '#d6e2f0', '#efe1c2', '#e6d6ec', '#f3d4d4', '#d4ecea', '#e9e4d8'];

/**
 * A product's cover: a tinted tile with the category and the product's first character, so every product has a
 * consistent picture before the shop uploads photos.
 */
export function ProductCover({
  id,
  title,
  label,
  size = 'card',
}: {
  id: number;
  title: string;
  label: string;
  size?: 'card' | 'hero' | 'thumb';
}) {
  const color = PALETTES[id % PALETTES.length];
  return (
    <View className={`cover cover--${size}`} style={{ backgroundColor: color }}>
      <Text className="cover__mark">{title.slice(0, 1)}</Text>
      {size !== 'thumb' && <Text className="cover__label">{label}</Text>}
    </View>
  );
}
