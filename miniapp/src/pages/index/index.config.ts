export default definePageConfig({ navigationBarTitleText: '会员商城' });
