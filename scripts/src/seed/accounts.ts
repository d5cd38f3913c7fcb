import type { StaffRole } from '@member-ops/shared';

/** A staff login of the demo shop. The passwords are public on purpose: they are printed in the README. */
export interface DemoStaffAccount {
  username: string;
  password: string;
  role: StaffRole;
  displayName: string;
  /** The store (a DEMO_STORES name) a store clerk works in or a sales rep's portfolio belongs to. */
  store: string | null;
  phone: string | null;
}

export const DEMO_ADMIN: DemoStaffAccount = {
  username: 'admin',
  password: 'admin123456',
  role: 'admin',
  displayName: '系统管理员',
  store: null,
  phone: null,
};

export const DEMO_OPERATOR: DemoStaffAccount = {
  username: 'operator',
  password: 'operator123456',
  role: 'operator',
  displayName: '运营·陈思',
  store: null,
  phone: null,
};

export const DEMO_STORE_STAFF: readonly DemoStaffAccount[] = [
  {
    username: 'staff.sh',
    password: 'staff123456',
    role: 'store_staff',
    displayName: '店员·王芳',
    store: '上海静安店',
    phone: null,
  },
  {
    username: 'staff.bj',
    password: 'staff123456',
    role: 'store_staff',
    displayName: '店员·刘洋',
    store: '北京三里屯店',
    phone: null,
  },
  {
    username: 'staff.hz',
    password: 'staff123456',
    role: 'store_staff',
    displayName: '店员·周婷',
    store: '杭州西湖店',
    phone: null,
  },
];

export const DEMO_SALES_REPS: readonly DemoStaffAccount[] = [
  {
    username: 'sales.li',
    password: 'sales123456',
    role: 'sales_rep',
    displayName: '销售·李娜',
    store: '上海静安店',
    phone: '13800138001',
  },
  {
    username: 'sales.zhang',
    password: 'sales123456',
    role: 'sales_rep',
    displayName: '销售·张伟',
    store: '北京三里屯店',
    phone: '13800138002',
  },
  {
    username: 'sales.zhao',
    password: 'sales123456',
    role: 'sales_rep',
    displayName: '销售·赵敏',
    store: '杭州西湖店',
    phone: '13800138003',
  },
];

/** Every demo login, in the order their ids are assigned (admin = 1). */
export const DEMO_ACCOUNTS: readonly DemoStaffAccount[] = [DEMO_ADMIN, DEMO_OPERATOR, ...DEMO_STORE_STAFF, ...DEMO_SALES_REPS];
