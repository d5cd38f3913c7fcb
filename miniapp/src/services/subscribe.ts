import Taro from '@tarojs/taro';
import { SUBSCRIBE_TEMPLATES_PER_REQUEST } from '@member-ops/shared';
import { newClientId } from './ids';
import { shopApi } from './shop-api';

type Answer = 'accept' | 'reject' | 'ban';

/**
 * Asks for subscribe-message consent; must run inside a tap or the payment callback (WeChat's rule). The h5 build
 * asks with a dialog instead. Whatever the shopper answers is sent to the server, which counts one send per accept.
 */
export async function askSubscriptions(context: string): Promise<Answer | undefined> {
  const { templates } = await shopApi.subscriptions();
  const ids = templates.slice(0, SUBSCRIBE_TEMPLATES_PER_REQUEST).map((template) => template.templateId);
  if (ids.length === 0) return undefined;
  const answers: { templateId: string; result: Answer }[] = [];
  if (process.env.TARO_ENV === 'weapp') {
    const result = (await Taro.requestSubscribeMessage({ tmplIds: ids, entityIds: [] })) as unknown as Record<string, string>;
    for (const id of ids) {
      const value = result[id];
      answers.push({ templateId: id, result: value === 'accept' || value === 'ban' ? value : 'reject' });
    }
  } else {
    const titles = templates.slice(0, SUBSCRIBE_TEMPLATES_PER_REQUEST).map((template) => template.title);
    const { confirm } = await Taro.showModal({
      title: '订阅消息',
      content: `是否接收「${titles.join('、')}」提醒？`,
      confirmText: '允许',
      cancelText: '拒绝',
    });
    for (const id of ids) answers.push({ templateId: id, result: confirm ? 'accept' : 'reject' });
  }
  await shopApi.recordSubscriptions({ results: answers, context, requestId: newClientId('sub') });
  return answers.some((answer) => answer.result === 'accept') ? 'accept' : 'reject';
}
