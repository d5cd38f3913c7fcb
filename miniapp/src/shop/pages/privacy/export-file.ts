import Taro from '@tarojs/taro';
import type { MemberDataExport } from '@member-ops/shared';

/** What the shopper is told their copy holds. */
export function exportSummary(data: MemberDataExport): string {
  return `共 ${data.orders.length} 笔订单、${data.pointsLedger.length} 条积分记录、${data.coupons.length} 张优惠券、${data.eventsTotal} 条浏览记录`;
}

/**
 * Hands the copy to the shopper: a JSON file download in the browser; on WeChat the text goes to the clipboard
 * (a mini-program cannot save files to the phone without a share sheet), to paste into a note or a chat.
 */
export async function deliverExport(data: MemberDataExport): Promise<'downloaded' | 'copied'> {
  const text = JSON.stringify(data, null, 2);
  if (process.env.TARO_ENV === 'h5') {
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `我的会员数据-${data.exportedAt.slice(0, 10)}.json`;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    return 'downloaded';
  }
  await Taro.setClipboardData({ data: text });
  return 'copied';
}
