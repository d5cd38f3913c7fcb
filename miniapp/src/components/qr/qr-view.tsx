import { View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useMemo } from 'react';
import { encodeQr } from './qr-encode';
import './qr-view.css';

/** Draws a QR code (sizes in design px, 750 wide) with views (one row of cells per module row), so it renders the same on WeChat and h5. */
export function QrView({ text, sizePx = 440 }: { text: string; sizePx?: number }) {
  const modules = useMemo(() => encodeQr(text), [text]);
  const quiet = 4;
  const count = modules.length + quiet * 2;
  return (
    <View
      className="qr"
      style={{
        width: Taro.pxTransform(sizePx),
        height: Taro.pxTransform(sizePx),
        padding: Taro.pxTransform(Math.round((sizePx * quiet) / count)),
      }}
      data-testid="qr"
    >
      {modules.map((row, y) => (
        <View key={y} className="qr__row" style={{ height: `${100 / modules.length}%` }}>
          {row.map((dark, x) => (
            <View
              key={x}
              className={dark ? 'qr__cell qr__cell--dark' : 'qr__cell'}
              style={{ width: `${100 / modules.length}%` }}
            />
          ))}
        </View>
      ))}
    </View>
  );
}
