export default defineAppConfig({
  pages: ['pages/index/index', 'pages/category/index', 'pages/cart/index', 'pages/member/index'],
  subPackages: [
    {
      root: 'shop',
      pages: [
        'pages/product/index',
        'pages/search/index',
        'pages/checkout/index',
        'pages/pay-result/index',
        'pages/orders/index',
        'pages/order/index',
        'pages/points/index',
        'pages/coupons/index',
        'pages/claim/index',
        'pages/profile/index',
        'pages/privacy/index',
      ],
    },
    { root: 'staff', pages: ['pages/login/index', 'pages/lookup/index', 'pages/member/index', 'pages/contacts/index'] },
  ],
  preloadRule: { 'pages/index/index': { network: 'all', packages: ['shop'] } },
  window: {
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '会员商城',
    navigationBarTextStyle: 'black',
    backgroundColor: '#f5f5f5',
    backgroundTextStyle: 'dark',
  },
  tabBar: {
    color: '#8a8a8a',
    selectedColor: '#c8102e',
    backgroundColor: '#ffffff',
    borderStyle: 'black',
    list: [
      {
        pagePath: 'pages/index/index',
        text: '首页',
        iconPath: 'assets/tab-bar/home.png',
        selectedIconPath: 'assets/tab-bar/home-active.png',
      },
      {
        pagePath: 'pages/category/index',
        text: '分类',
        iconPath: 'assets/tab-bar/category.png',
        selectedIconPath: 'assets/tab-bar/category-active.png',
      },
      {
        pagePath: 'pages/cart/index',
        text: '购物车',
        iconPath: 'assets/tab-bar/cart.png',
        selectedIconPath: 'assets/tab-bar/cart-active.png',
      },
      {
        pagePath: 'pages/member/index',
        text: '我的',
        iconPath: 'assets/tab-bar/member.png',
        selectedIconPath: 'assets/tab-bar/member-active.png',
      },
    ],
  },
});
